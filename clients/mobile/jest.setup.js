/* global jest */
// The native camera and image modules have no JavaScript side in tests: small stand-ins that
// behave like them (a camera whose pictures are numbered files, a resize that keeps the file).
jest.mock('expo-camera', () => {
  const React = require('react');
  const { View } = require('react-native');
  let shots = 0;
  const CameraView = React.forwardRef(function CameraView(props, ref) {
    React.useImperativeHandle(ref, () => ({
      takePictureAsync: async () => ({
        uri: `file:///photo-${++shots}.jpg`,
        width: 1280,
        height: 960,
      }),
    }));
    globalThis.__lastCameraProps = props;
    const { onCameraReady } = props;
    React.useEffect(() => onCameraReady?.(), [onCameraReady]);
    return React.createElement(View, { testID: 'camera-view' });
  });
  return {
    CameraView,
    useCameraPermissions: () => [
      { granted: true, canAskAgain: true, status: 'granted' },
      async () => ({ granted: true }),
    ],
  };
});

jest.mock('expo-image-manipulator', () => ({
  SaveFormat: { JPEG: 'jpeg', PNG: 'png' },
  manipulateAsync: async (uri, actions, options) => {
    (globalThis.__manipulations ??= []).push([uri, actions, options]);
    const resize = actions[0]?.resize ?? {};
    return { uri, width: resize.width ?? 480, height: resize.height ?? 360 };
  },
}));
